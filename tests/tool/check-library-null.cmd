check @EXPORTERS@:make_nothing
