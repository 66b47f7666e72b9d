/**
 * relay.conf (HOCON) read into immutable records, with validation messages that name the key and
 * the value. Layer 0, the bottom room: it imports no other mailseal package.
 */
package io.mailseal.config;
