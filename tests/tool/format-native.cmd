format '@b i x q ?'
