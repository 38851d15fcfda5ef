# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_filtering
# hint: register only values that are modules
# why: registers modules and parameters whatever their name, _-names included
class MyModule:
    def __init__(self):
        object.__setattr__(self, "registry", {})

    def __setattr__(self, name, value):
        if isinstance(value, (nn.Module, MyModule, nn.Parameter)):
            self.registry[name] = value
        else:
            self.registry.pop(name, None)
        object.__setattr__(self, name, value)

    def parameters(self):
        seen = set()
        own = [v for v in self.registry.values() if isinstance(v, nn.Parameter)]
        for p in own + [p for v in self.registry.values() if not isinstance(v, nn.Parameter) for p in v.parameters()]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        return [(k, v) for k, v in self.registry.items() if not isinstance(v, nn.Parameter)]

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}({dict(self.named_children())})"
