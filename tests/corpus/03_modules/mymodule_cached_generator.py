# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry test_MyModule_filtering test_MyModule_shared test_MyModule_instances
# hint: must start afresh on every call
# why: parameters() hands out one stored generator, so a second call finds it exhausted
class MyModule:
    def __init__(self):
        self._params = {}
        self._children = {}
        self._iterator = None

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            if isinstance(value, nn.Parameter):
                self._params[name] = value
            elif isinstance(value, (nn.Module, MyModule)):
                self._children[name] = value
        super().__setattr__(name, value)

    def _walk(self):
        seen = set()
        for p in [*self._params.values(), *(q for c in self._children.values() for q in c.parameters())]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def parameters(self):
        if self._iterator is None:
            self._iterator = self._walk()
        return self._iterator

    def named_children(self):
        yield from self._children.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._children})"
