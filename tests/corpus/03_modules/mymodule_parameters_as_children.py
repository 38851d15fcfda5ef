# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry test_MyModule_instances
# hint: children are the attributes holding modules, in
# why: named_children() lists every registered value, nn.Parameters included
class MyModule:
    def __init__(self):
        self._registry = {}

    def __setattr__(self, name, value):
        if not name.startswith("_") and isinstance(value, (nn.Module, MyModule, nn.Parameter)):
            self._registry[name] = value
        elif not name.startswith("_"):
            self._registry.pop(name, None)
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        own = [v for v in self._registry.values() if isinstance(v, nn.Parameter)]
        for p in own + [p for v in self._registry.values() if not isinstance(v, nn.Parameter) for p in v.parameters()]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        yield from self._registry.items()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({self._registry})"
