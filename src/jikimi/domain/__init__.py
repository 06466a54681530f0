"""Pure rules of protection: order kinds, phone matching, alerts. No framework, no I/O."""
