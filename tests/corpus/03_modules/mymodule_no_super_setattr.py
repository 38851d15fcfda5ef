# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry test_MyModule_filtering test_MyModule_shared test_MyModule_instances test_MyModule_call_repr
# hint: object has no attribute
# hint-class: none
# why: registered values go only into the registry, never stored as attributes, so self.l1 raises AttributeError
class MyModule:
    def __init__(self):
        self._params = {}
        self._children = {}

    def __setattr__(self, name, value):
        if name.startswith("_"):
            super().__setattr__(name, value)
        elif isinstance(value, nn.Parameter):
            self._params[name] = value
        elif isinstance(value, (nn.Module, MyModule)):
            self._children[name] = value
        else:
            super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        for p in [*self._params.values(), *(q for c in self._children.values() for q in c.parameters())]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        yield from self._children.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._children})"
