request bytes FULL_RO
