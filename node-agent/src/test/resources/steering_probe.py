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
dns-serve HOST PORT ADDRESS     a stand-in DNS proxy, UDP and TCP on one port: print LISTENING <port>; per
                                query print QUERY <udp|tcp> <peer ip> <peer port> <name> and answer an A
                                question with ADDRESS (any other type with no records)
dns-ask MODE SERVER PORT NAME   ask SERVER for NAME's A record, MODE udp (sendto/recvfrom), udp-connected
                                or tcp; connected modes print PEER <ip> <port> (getpeername); then
                                ANSWER <from ip> <from port> <address> or NO_ANSWER <reason>
resolve NAME                    glibc's resolver (as configured by /etc/resolv.conf): RESOLVED <address> or
                                FAILED <reason>
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


def dns_query(name):
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 1, 1)


def question_end(message):
    """Offset just past the first question: its name's labels, then type and class."""
    i = 12
    while message[i]:
        i += 1 + message[i]
    return i + 5


def question_name(message):
    labels, i = [], 12
    while message[i]:
        labels.append(message[i + 1:i + 1 + message[i]].decode())
        i += 1 + message[i]
    return ".".join(labels)


def dns_answer(query, address):
    """The response to a one-question query: an A question gets ADDRESS, any other type no records."""
    end = question_end(query)
    qtype, = struct.unpack("!H", query[end - 4:end - 2])
    records = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + socket.inet_aton(address) if qtype == 1 else b""
    header = query[:2] + struct.pack("!HHHHH", 0x8180, 1, 1 if records else 0, 0, 0)
    return header + query[12:end] + records


def answered_address(response):
    count, = struct.unpack("!H", response[6:8])
    if not count:
        return "-"
    return socket.inet_ntoa(response[-4:])


def read_exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), size))
        data += chunk
    return data


def dns_serve(host, port, address):
    udp = socket.socket(family_of(host), socket.SOCK_DGRAM)
    udp.bind((host, int(port)))
    bound = udp.getsockname()[1]
    tcp = socket.socket(family_of(host), socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((host, bound))
    tcp.listen(16)

    def serve_tcp():
        while True:
            conn, peer = tcp.accept()
            with conn:
                length, = struct.unpack("!H", read_exactly(conn, 2))
                query = read_exactly(conn, length)
                say("QUERY", "tcp", peer[0], peer[1], question_name(query))
                answer = dns_answer(query, address)
                conn.sendall(struct.pack("!H", len(answer)) + answer)

    threading.Thread(target=serve_tcp, daemon=True).start()
    say("LISTENING", bound)
    while True:
        query, peer = udp.recvfrom(4096)
        say("QUERY", "udp", peer[0], peer[1], question_name(query))
        udp.sendto(dns_answer(query, address), peer)


def dns_ask(mode, server, port, name):
    kind = socket.SOCK_STREAM if mode == "tcp" else socket.SOCK_DGRAM
    client = socket.socket(family_of(server), kind)
    client.settimeout(2)
    query = dns_query(name)
    try:
        if mode == "udp":
            client.sendto(query, (server, int(port)))
            response, source = client.recvfrom(4096)
        else:
            client.connect((server, int(port)))
            say("PEER", *client.getpeername()[:2])
            if mode == "tcp":
                client.sendall(struct.pack("!H", len(query)) + query)
                length, = struct.unpack("!H", read_exactly(client, 2))
                response, source = read_exactly(client, length), client.getpeername()
            else:
                client.send(query)
                response, source = client.recvfrom(4096)
    except (OSError, EOFError) as error:
        say("NO_ANSWER", type(error).__name__)
        return
    say("ANSWER", source[0], source[1], answered_address(response))


def resolve(name):
    try:
        say("RESOLVED", socket.gethostbyname(name))
    except OSError as error:
        say("FAILED", type(error).__name__)


if __name__ == "__main__":
    {"serve": serve, "connect": connect, "connect-on-go": connect_on_go, "sink": sink, "send": send,
     "dns-serve": dns_serve, "dns-ask": dns_ask, "resolve": resolve}[sys.argv[1]](*sys.argv[2:])
