# exercise: MyModule
# verdict: correct
# why: one dict name -> value for everything registered, split by kind when asked: a name can only ever hold one value
class MyModule:
    def __init__(self):
        object.__setattr__(self, "_registry", {})

    def __setattr__(self, name, value):
        if not name.startswith("_") and isinstance(value, (nn.Parameter, nn.Module, MyModule)):
            self._registry[name] = value
        elif not name.startswith("_"):
            self._registry.pop(name, None)
        object.__setattr__(self, name, value)

    def parameters(self):
        own = [v for v in self._registry.values() if isinstance(v, nn.Parameter)]
        below = [p for _, child in self.named_children() for p in child.parameters()]
        unique = {}
        for p in own + below:
            unique.setdefault(id(p), p)
        return list(unique.values())

    def named_children(self):
        return [(n, v) for n, v in self._registry.items() if not isinstance(v, nn.Parameter)]

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        body = "\n".join(f"  ({n}): {c!r}" for n, c in self.named_children())
        return f"{type(self).__name__}(\n{body}\n)"
