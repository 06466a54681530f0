"""The HTTP layer every feature's routes share: dependencies, errors as problem+json,
body limits and security headers, signed requests, the access-trail recorder."""
