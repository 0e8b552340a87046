check @EXPORTERS@:make_block
