# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_instances
# hint: a name holds one value
# why: a name that held a module and then gets an nn.Parameter stays registered as a child too (and the other way round)
class MyModule:
    def __init__(self):
        self._params = {}
        self._children = {}

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            if isinstance(value, nn.Parameter):
                self._params[name] = value
            elif isinstance(value, (nn.Module, MyModule)):
                self._children[name] = value
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        for p in [*self._params.values(), *(q for c in self._children.values() for q in c.parameters())]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        return iter(list(self._children.items()))

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        inner = "".join(f"\n  ({n}): {m!r}" for n, m in self._children.items())
        return f"{type(self).__name__}({inner}\n)"
