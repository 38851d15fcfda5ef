# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry test_MyModule_instances
# hint: the network's own nn.Parameter attributes come first
# why: registers modules only, so nn.Parameter attributes of the network itself are never yielded
class MyModule:
    def __init__(self):
        self._children = {}

    def __setattr__(self, name, value):
        if not name.startswith("_") and isinstance(value, (nn.Module, MyModule)):
            self._children[name] = value
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        for child in self._children.values():
            for p in child.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield p

    def named_children(self):
        yield from self._children.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._children})"
