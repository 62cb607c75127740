"""Column atoms and their equivalence classes (a small union-find).

An atom names one value domain: a source column (``orders.order_id``), an expression as written, or
an operator's computed output. Join equalities and aliases make atoms equivalent, so a stream hashed
on ``o.customer_id`` counts as hashed on ``c.id`` after ``ON o.customer_id = c.id``.
"""

from __future__ import annotations

__all__ = ["Atoms"]


class Atoms:
    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._display: dict[str, str] = {}

    def name(self, atom: str, written: str) -> None:
        self._display.setdefault(atom, written)

    def display(self, atom: str) -> str:
        """The written spelling of ``atom`` (``symbol``, ``UPPER(region)``).

        >>> a = Atoms(); a.name("t.sym", "Sym"); a.display("t.sym"), a.display("expr:x + 1")
        ('Sym', 'x + 1')
        """
        return self._display.get(atom, atom.split(":", 1)[-1].rsplit(".", 1)[-1])

    def find(self, atom: str) -> str:
        root = atom
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while atom != root:  # path compression keeps later look-ups flat
            atom, self._parent[atom] = self._parent[atom], root
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[rb] = ra

    def members(self, root: str) -> list[str]:
        return [a for a in {*self._parent, *self._display} if self.find(a) == root]
