"""Client and server for the steering tests; every event is one line on stdout.

serve HOST PORT                 listen; per connection print
                                ACCEPT <peer ip> <peer port> <SO_ORIGINAL_DST ip> <port> (or "- -"),
                                echo one line back, print CLOSED when the peer closes
connect HOST PORT [SOURCE]      print CONNECTED <local ip> <local port> or FAILED <reason>; send "ping",
                                print REPLY <line>; close when stdin closes
connect-on-go HOST PORT         print READY, wait for a line on stdin, then connect as connect does (a process
                                that exists before its pod is enrolled and connects the moment it is told)
sink HOST PORT PAUSE            listen; accept one connection, print ACCEPT <peer ip> <peer port>, read
                                nothing for PAUSE seconds, then read to the end and print
                                RECEIVED <bytes> <sha256>
send HOST PORT BYTES AFTER      connect and print CONNECTED; when stdin closes, send BYTES pseudo-random
                                bytes, print PROGRESS <bytes sent> AFTER seconds into it, then
                                SENT <bytes> <sha256> (or FAILED <errno>) and close
"""
import hashlib
import random
import threading
import time
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


def connect_on_go(host, port):
    say("READY")
    sys.stdin.readline()
    connect(host, port)


def sink(host, port, pause):
    server = socket.socket(family_of(host), socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, int(port)))
    server.listen(1)
    say("LISTENING", server.getsockname()[1])
    conn, peer = server.accept()
    say("ACCEPT", peer[0], peer[1])
    time.sleep(float(pause))
    digest, total = hashlib.sha256(), 0
    with conn:
        while chunk := conn.recv(1 << 16):
            digest.update(chunk)
            total += len(chunk)
    say("RECEIVED", total, digest.hexdigest())


def send(host, port, size, after):
    client = socket.create_connection((host, int(port)), timeout=30)
    say("CONNECTED", *client.getsockname()[:2])
    # Seeded by the local port: concurrent senders send different bytes, so data mixed across connections shows.
    data = random.Random(client.getsockname()[1]).randbytes(int(size))
    sys.stdin.read()
    sent, failure = [0], []

    def write():
        try:
            view = memoryview(data)
            while sent[0] < len(data):
                sent[0] += client.send(view[sent[0]:sent[0] + (1 << 16)])
        except OSError as error:
            failure.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(float(after))
    say("PROGRESS", sent[0])
    writer.join()
    if failure:
        say("FAILED", failure[0].errno, failure[0].strerror)
        return
    client.shutdown(socket.SHUT_WR)
    client.recv(1)
    client.close()
    say("SENT", len(data), hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    {"serve": serve, "connect": connect, "connect-on-go": connect_on_go, "sink": sink, "send": send}[sys.argv[1]](*sys.argv[2:])
