check @EXPORTERS@:no_such_symbol
