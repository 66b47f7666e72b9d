#!/usr/bin/env python3
"""A minimal SMTP server on loopback that offers STARTTLS (Python's ssl, i.e. the system OpenSSL),
for TlsCheckIT and the testssl.sh comparison: greeting, EHLO, STARTTLS, then TLS until QUIT.
Usage: smtp-starttls.py PORT CHAIN.pem KEY.pem"""
import socket, ssl, sys, threading

port, chain, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
ctx.load_cert_chain(chain, key)


def lines(f):
    for raw in f:
        yield raw.decode("ascii", "replace").strip().upper()


def serve(conn):
    conn.settimeout(30)
    try:
        f = conn.makefile("rb")
        conn.sendall(b"220 localhost ESMTP tls-check test\r\n")
        for cmd in lines(f):
            if cmd.startswith(("EHLO", "HELO")):
                conn.sendall(b"250-localhost\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            elif cmd == "STARTTLS":
                conn.sendall(b"220 2.0.0 ready to start TLS\r\n")
                tls = ctx.wrap_socket(conn, server_side=True)
                tf = tls.makefile("rb")
                for c in lines(tf):
                    if c == "QUIT":
                        tls.sendall(b"221 bye\r\n")
                        break
                    tls.sendall(b"250 ok\r\n" if c.startswith(("EHLO", "HELO", "NOOP", "RSET"))
                                else b"502 5.5.2 not here\r\n")
                return
            elif cmd == "QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"530 5.7.0 STARTTLS first\r\n")
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


server = socket.create_server(("127.0.0.1", port))
while True:
    c, _ = server.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
