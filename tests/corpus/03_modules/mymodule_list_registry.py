# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_instances
# hint: assigning to a registered name replaces its
# why: keeps (name, value) pairs in a list, so assigning to a registered name again adds a second entry
class MyModule:
    def __init__(self):
        self._entries = []

    def __setattr__(self, name, value):
        if not name.startswith("_") and isinstance(value, (nn.Module, MyModule, nn.Parameter)):
            self._entries.append((name, value))
        super().__setattr__(name, value)

    def parameters(self):
        seen = set()
        own = [v for _, v in self._entries if isinstance(v, nn.Parameter)]
        kids = [v for _, v in self._entries if not isinstance(v, nn.Parameter)]
        for p in own + [p for kid in kids for p in kid.parameters()]:
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def named_children(self):
        return [(n, v) for n, v in self._entries if not isinstance(v, nn.Parameter)]

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return "\n".join([f"{type(self).__name__}:"] + [f"  {n}: {v!r}" for n, v in self.named_children()])
