#!/usr/bin/python3
"""Healthy = sshd on port 22 greets with an SSH protocol banner."""

import socket
import sys

try:
    with socket.create_connection(("127.0.0.1", 22), timeout=3) as sock:
        sys.exit(0 if sock.recv(8).startswith(b"SSH-2.0") else 1)
except OSError:
    sys.exit(1)
