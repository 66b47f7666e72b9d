/**
 * Peer text made safe for logs and header-like fields ({@link io.mailseal.text.PeerText}): the one
 * escaping rule every room uses where text chosen by a client, a next hop, a TSA or a certificate
 * server comes in. Layer 0, beside config: it imports no other mailseal package.
 */
package io.mailseal.text;
