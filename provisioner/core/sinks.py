"""Output files for a child that must outlive lab: it writes to files, never to pipes.

A child writing to a pipe dies of SIGPIPE on its next line once lab is killed. Terraform dying
that way mid-apply loses the state of what it was creating, and its provider, no longer told to
stop, runs on for good. A file never breaks: the child finishes, records what it made and stops
its provider; lab, while alive, follows the file as it would read a pipe."""

from __future__ import annotations

import codecs
import os
import tempfile


class Sink:
    """An unlinked file the child appends to, and lab reads back through its own descriptor."""

    def __init__(self) -> None:
        self.read_fd, path = tempfile.mkstemp(prefix="lab-output-")
        # O_APPEND: the child's writes always land at the end, whatever lab's reads do.
        self.write_fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.unlink(path)  # nothing to clean up after a crash: the data dies with the last fd
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.partial = ""

    def handed_over(self) -> None:
        """The child holds its own copy now; lab keeps only the reading end."""
        os.close(self.write_fd)

    def lines(self, final: bool = False) -> list[str]:
        """Complete lines written since the last call (with the unterminated rest when final)."""
        text = self.partial + self._read_all(final)
        *complete, self.partial = text.split("\n")
        found = [line + "\n" for line in complete]
        if final and self.partial:
            found.append(self.partial)
            self.partial = ""
        return found

    def _read_all(self, final: bool) -> str:
        chunks = []
        while chunk := os.read(self.read_fd, 65536):
            chunks.append(chunk)
        return self.decoder.decode(b"".join(chunks), final=final)

    def close(self) -> None:
        os.close(self.read_fd)
