"""Client and server for the steering tests; every event is one line on stdout.

serve HOST PORT                 listen; per connection print
                                ACCEPT <peer ip> <peer port> <SO_ORIGINAL_DST ip> <port> (or "- -"),
                                echo one line back, print CLOSED when the peer closes
connect HOST PORT [SOURCE]      print CONNECTED <local ip> <local port> or FAILED <reason>; send "ping",
                                print REPLY <line>; close when stdin closes
"""
import ipaddress
import socket
import struct
import sys

SO_ORIGINAL_DST = 80


def say(*words):
    print(*words, flush=True)


def family_of(host):
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


def original_destination(conn):
    try:
        if conn.family == socket.AF_INET:
            raw = conn.getsockopt(socket.IPPROTO_IP, SO_ORIGINAL_DST, 16)
            port, = struct.unpack("!H", raw[2:4])
            return str(ipaddress.IPv4Address(raw[4:8])), port
        raw = conn.getsockopt(socket.IPPROTO_IPV6, SO_ORIGINAL_DST, 28)
        port, = struct.unpack("!H", raw[2:4])
        return str(ipaddress.IPv6Address(raw[8:24])), port
    except OSError:
        return "-", "-"


def serve(host, port):
    server = socket.socket(family_of(host), socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, int(port)))
    server.listen(16)
    say("LISTENING", server.getsockname()[1])
    while True:
        conn, peer = server.accept()
        # The file shares the socket: both must close for the connection to close.
        with conn, conn.makefile("r") as reader:
            say("ACCEPT", peer[0], peer[1], *original_destination(conn))
            line = reader.readline().strip()
            conn.sendall(("echo:" + line + "\n").encode())
            while conn.recv(1024):
                pass
        say("CLOSED")


def connect(host, port, source=None):
    client = socket.socket(family_of(host), socket.SOCK_STREAM)
    client.settimeout(2)
    if source:
        client.bind((source, 0))
    try:
        client.connect((host, int(port)))
    except OSError as error:
        say("FAILED", type(error).__name__)
        return
    local = client.getsockname()
    say("CONNECTED", local[0], local[1])
    with client, client.makefile("r") as reader:
        client.sendall(b"ping\n")
        say("REPLY", reader.readline().strip())
        sys.stdin.read()


if __name__ == "__main__":
    {"serve": serve, "connect": connect}[sys.argv[1]](*sys.argv[2:])
