/**
 * The HTTP admin port: Prometheus metrics ({@link io.mailseal.admin.RelayMetrics}, which implements
 * the seal and delivery reporting interfaces), health and readiness, recipient lookup, reload and
 * queue flush through {@link io.mailseal.admin.RelayControl}. Layer 4: may import seal and every
 * room below it; never app, demo or cli.
 */
package io.mailseal.admin;
