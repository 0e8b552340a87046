tour now
