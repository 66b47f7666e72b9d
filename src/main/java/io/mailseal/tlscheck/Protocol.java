package io.mailseal.tlscheck;

/** The protocol versions probed, oldest first, with their wire versions. */
enum Protocol {
    SSL3(0x0300, "SSLv3"),
    TLS1_0(0x0301, "TLSv1.0"),
    TLS1_1(0x0302, "TLSv1.1"),
    TLS1_2(0x0303, "TLSv1.2"),
    TLS1_3(0x0304, "TLSv1.3");

    final int wire;
    private final String label;

    Protocol(int wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    String label() {
        return label;
    }

    static Protocol ofWire(int wire) {
        for (Protocol p : values()) {
            if (p.wire == wire) {
                return p;
            }
        }
        throw new IllegalArgumentException(String.format("unknown protocol version 0x%04X", wire));
    }
}
