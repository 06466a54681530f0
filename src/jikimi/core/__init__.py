"""What every feature shares and none owns: settings, the database and its transactions,
the message bus, the clock, sealing, need-to-know primitives, errors, wake-ups."""
