/**
 * {@code mailseal demo} and test fixtures: a throwaway CA, an embedded TSA, a capture sink, and a
 * relay on loopback. Layer 6: may import any room up to {@code app}; only {@code cli} imports it.
 */
package io.mailseal.demo;
