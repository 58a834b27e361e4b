#!/usr/bin/env python3
"""Holds packets that an iptables NFQUEUE rule hands it and lets each one go later.

The kernel this suite runs on has no netem qdisc, so delay, jitter and reordering are made here:
every packet of a delayed link is queued by the kernel (NFQUEUE), this process holds its verdict
for the link's delay plus a random part of its jitter, then accepts it, so the packet really is
sent late by the kernel. Talks to nfnetlink_queue directly over a netlink socket (stdlib only).

Reads its settings as JSON lines on stdin, one object per line mapping a queue number to
{"delayMs": d, "jitterMs": j, "reorderPct": r}: a packet waits d + uniform[0, j) ms, except that
r percent of packets go at once (as netem's reorder does). A queue missing from the latest line
stops being bound. Prints "ready <queues>" after each line is applied, and exits on EOF.
"""
import heapq, json, os, random, select, socket, struct, sys, time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND, NFQNL_CFG_CMD_UNBIND = 1, 2
NFQNL_COPY_META = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_ACCEPT = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2

sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.bind((0, 0))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
seq = 0


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def send(msg_type, queue, attrs, ack=False):
    global seq
    seq += 1
    body = struct.pack('=BBH', socket.AF_INET, 0, socket.htons(queue)) + b''.join(attrs)
    flags = NLM_F_REQUEST | (NLM_F_ACK if ack else 0)
    sock.send(struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body)


def configure(queue, bind):
    if bind:
        send(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, struct.pack('=BBH', NFQNL_CFG_CMD_BIND, 0, socket.htons(socket.AF_INET)))], ack=True)
        send(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_PARAMS, struct.pack('>IB', 0, NFQNL_COPY_META) + b'\0\0\0')], ack=True)
        send(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('>I', 8192))], ack=True)
    else:
        send(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, struct.pack('=BBH', NFQNL_CFG_CMD_UNBIND, 0, socket.htons(socket.AF_INET)))], ack=True)


def verdict(queue, packet_id):
    send(NFQNL_MSG_VERDICT, queue, [attr(NFQA_VERDICT_HDR, struct.pack('>II', NF_ACCEPT, packet_id))])


settings = {}
held = []  # (release time, tiebreak, queue, packet id)
order = 0
stdin_buffer = b''


def apply(line):
    global settings, held
    wanted = {int(queue): value for queue, value in json.loads(line).items()}
    gone = settings.keys() - wanted.keys()
    # Unbinding a queue drops what it still holds: let those packets go first.
    for _, _, queue, packet_id in [entry for entry in held if entry[2] in gone]:
        verdict(queue, packet_id)
    held = [entry for entry in held if entry[2] not in gone]
    heapq.heapify(held)
    for queue in gone:
        configure(queue, False)
    for queue in wanted.keys() - settings.keys():
        configure(queue, True)
    settings = wanted
    print('ready ' + ','.join(str(q) for q in sorted(settings)), flush=True)


def on_netlink(data):
    global order
    offset = 0
    while offset + 16 <= len(data):
        length, msg_type, _flags, _seq, _pid = struct.unpack_from('=IHHII', data, offset)
        if length < 16:
            return
        if msg_type == NLMSG_ERROR:
            error = struct.unpack_from('=i', data, offset + 16)[0]
            if error != 0:
                sys.stderr.write('netlink error %d\n' % error)
        elif msg_type == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            queue = socket.ntohs(struct.unpack_from('=H', data, offset + 18)[0])
            position = offset + 20
            while position + 4 <= offset + length:
                attr_length, attr_type = struct.unpack_from('=HH', data, position)
                if attr_length < 4:
                    break
                if attr_type & 0x7fff == NFQA_PACKET_HDR:
                    packet_id = struct.unpack_from('>I', data, position + 4)[0]
                    link = settings.get(queue)
                    wait = 0.0
                    if link is not None and random.random() * 100 >= link.get('reorderPct', 0):
                        wait = (link.get('delayMs', 0) + random.random() * link.get('jitterMs', 0)) / 1000
                    order += 1
                    heapq.heappush(held, (time.monotonic() + wait, order, queue, packet_id))
                position += (attr_length + 3) & ~3
        offset += (length + 3) & ~3


while True:
    timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
    readable, _, _ = select.select([sock, sys.stdin.buffer], [], [], timeout)
    if sys.stdin.buffer in readable:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            break
        stdin_buffer += chunk
        while b'\n' in stdin_buffer:
            line, stdin_buffer = stdin_buffer.split(b'\n', 1)
            if line.strip():
                apply(line)
    if sock in readable:
        while True:
            try:
                on_netlink(sock.recv(1 << 17, socket.MSG_DONTWAIT))
            except BlockingIOError:
                break
    now = time.monotonic()
    while held and held[0][0] <= now:
        _, _, queue, packet_id = heapq.heappop(held)
        verdict(queue, packet_id)
# Whatever is still held is let through as the queues are unbound on exit (the rules bypass them).
for _, _, queue, packet_id in held:
    verdict(queue, packet_id)
