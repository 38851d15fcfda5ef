# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_shared
# hint: a layer registered twice
# why: yields a shared layer's parameters once per name it is registered under, so SGD updates them twice
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
        yield from self._params.values()
        for child in self._children.values():
            yield from child.parameters()

    def named_children(self):
        yield from self._children.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._children})"
