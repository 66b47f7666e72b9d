/**
 * Assembly: {@link io.mailseal.app.RelayAssembly#validate} is the one validation of relay.conf for
 * run, reload and check-config; {@link io.mailseal.app.Relay} starts the rooms in order, releases
 * what a failed start opened, stops in reverse and reloads by swapping the {@code SealingStage}.
 * Layer 5, the room that wires everything: may import all but demo and cli.
 */
package io.mailseal.app;
