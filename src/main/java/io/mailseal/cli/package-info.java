/**
 * The picocli commands, kept thin: parse arguments, call into the rooms below ({@code app} for run,
 * check-config, explain; {@code demo}; the admin port over HTTP; spool and certs for the offline
 * commands), print. Layer 6, the top room: may import any other; nothing imports it.
 */
package io.mailseal.cli;
