"""One client to council services, routed per service to the body (county/district) that runs it."""
