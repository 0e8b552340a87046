request bytes BOGUS
