# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry
# hint: own parameters come first, then each child's
# why: yields the children's parameters before the module's own ones (nn.Module's order is the reverse)
class MyModule:
    def __init__(self):
        self._params = {}
        self._children = {}

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            self._params.pop(name, None)
            self._children.pop(name, None)
            if isinstance(value, nn.Parameter):
                self._params[name] = value
            elif isinstance(value, (nn.Module, MyModule)):
                self._children[name] = value
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        for p in [*(q for c in self._children.values() for q in c.parameters()), *self._params.values()]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        yield from self._children.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._children})"
