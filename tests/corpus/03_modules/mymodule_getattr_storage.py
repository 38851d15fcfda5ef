# exercise: MyModule
# verdict: correct
# why: like nn.Module, keeps registered values only in its dicts and finds them again in __getattr__
class MyModule:
    def __init__(self):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_mods", {})

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        params, mods = self.__dict__["_params"], self.__dict__["_mods"]
        if isinstance(value, nn.Parameter):
            mods.pop(name, None)
            self.__dict__.pop(name, None)
            params[name] = value
        elif isinstance(value, (nn.Module, MyModule)):
            params.pop(name, None)
            self.__dict__.pop(name, None)
            mods[name] = value
        else:
            params.pop(name, None)
            mods.pop(name, None)
            object.__setattr__(self, name, value)

    def __getattr__(self, name):  # only called when normal lookup fails
        for store in ("_params", "_mods"):
            registry = self.__dict__.get(store, {})
            if name in registry:
                return registry[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def parameters(self):
        done = set()
        sources = [iter(self._params.values())] + [m.parameters() for m in self._mods.values()]
        for source in sources:
            for p in source:
                if p not in done:
                    done.add(p)
                    yield p

    def named_children(self):
        return iter(list(self._mods.items()))

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        body = "".join(f"\n  ({k}): {v!r}" for k, v in self._mods.items())
        return f"{type(self).__name__}({body}\n)"
