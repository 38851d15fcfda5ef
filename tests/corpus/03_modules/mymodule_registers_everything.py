# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_filtering test_MyModule_instances
# hint: register only values that are modules
# why: registers every attribute whose name lacks a leading _, ints and lists included, so parameters() breaks on them
class MyModule:
    def __init__(self):
        self._registry = {}

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            self._registry[name] = value
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        own = [v for v in self._registry.values() if isinstance(v, nn.Parameter)]
        rest = [p for v in self._registry.values() if not isinstance(v, nn.Parameter) for p in v.parameters()]
        for p in own + rest:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        return [(k, v) for k, v in self._registry.items() if not isinstance(v, nn.Parameter)]

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({dict(self.named_children())})"
