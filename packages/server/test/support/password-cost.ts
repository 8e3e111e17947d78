/**
 * SPROCKET_PASSWORD_HASH_COST of the servers tests start (in process and as processes): scrypt at N = 2^10 instead of
 * the default 2^15, a hash 32 times cheaper. Every account a test creates and every sign-in is a hash (the
 * password-spraying test alone is 50). sign-in-throttle.test.ts keeps one server at the default cost.
 */
export const TEST_PASSWORD_HASH_COST = "10";
