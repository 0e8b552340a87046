check foo:
