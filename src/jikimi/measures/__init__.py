"""Safety measures: smartwatches, CCTV, private security, shelter and the like, with limits."""
