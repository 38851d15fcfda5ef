# exercise: MyModule
# verdict: correct
# why: creates its registries lazily inside __setattr__ (via __dict__.setdefault) and returns lists, not generators
class MyModule:
    def __init__(self):
        super().__init__()

    def _store(self, kind):
        return self.__dict__.setdefault(kind, {})

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            params, mods = self._store("_own_params"), self._store("_submodules")
            if isinstance(value, nn.Parameter):
                mods.pop(name, None)
                params[name] = value
            elif isinstance(value, (nn.Module, MyModule)):
                params.pop(name, None)
                mods[name] = value
            else:
                params.pop(name, None)
                mods.pop(name, None)
        self.__dict__[name] = value

    def parameters(self):
        result, ids = [], set()
        candidates = list(self._store("_own_params").values())
        for module in self._store("_submodules").values():
            candidates.extend(module.parameters())
        for p in candidates:
            if id(p) not in ids:
                ids.add(id(p))
                result.append(p)
        return result

    def named_children(self):
        return list(self._store("_submodules").items())

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        rows = [f"{name}: {child!r}" for name, child in self.named_children()]
        return type(self).__name__ + "{" + "; ".join(rows) + "}"
