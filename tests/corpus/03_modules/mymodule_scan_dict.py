# exercise: MyModule
# verdict: correct
# why: no bookkeeping in __setattr__: parameters() and named_children() scan the instance's __dict__ when asked
class MyModule:
    def __init__(self):
        pass

    def __setattr__(self, name, value):
        super().__setattr__(name, value)

    def _registered(self):
        return [(k, v) for k, v in vars(self).items()
                if not k.startswith("_") and isinstance(v, (nn.Module, MyModule, nn.Parameter))]

    def parameters(self):
        items = self._registered()
        found = [v for _, v in items if isinstance(v, nn.Parameter)]
        for _, v in items:
            if not isinstance(v, nn.Parameter):
                found.extend(v.parameters())
        unique = {id(p): p for p in reversed(found)}  # keeps the first occurrence of each
        return [p for p in found if unique.pop(id(p), None) is not None]

    def named_children(self):
        return [(k, v) for k, v in self._registered() if not isinstance(v, nn.Parameter)]

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        inner = ", ".join(f"{k}={v!r}" for k, v in self.named_children())
        return f"{type(self).__name__}({inner})"
