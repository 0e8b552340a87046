check @EXPORTERS@:make_unreferenced_block
