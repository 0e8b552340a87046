check @EXPORTERS@:make_broken_block
