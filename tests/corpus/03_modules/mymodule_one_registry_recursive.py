# exercise: MyModule
# verdict: correct
# why: one registry dict; parameters() recurses into MyModule children with a shared set of ids and returns a list
import itertools


class MyModule:
    def __init__(self):
        self.__dict__["_registry"] = {}

    def __setattr__(self, name, value):
        registry = self.__dict__["_registry"]
        if not name.startswith("_"):
            if isinstance(value, (nn.Module, MyModule, nn.Parameter)):
                registry[name] = value
            else:
                registry.pop(name, None)
        self.__dict__[name] = value

    def _collect(self, seen):
        own = (v for v in self._registry.values() if isinstance(v, nn.Parameter))
        out = []
        for p in own:
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        for _, child in self.named_children():
            if isinstance(child, MyModule):
                out += child._collect(seen)
            else:
                for p in child.parameters():
                    if id(p) not in seen:
                        seen.add(id(p))
                        out.append(p)
        return out

    def parameters(self):
        return self._collect(set())

    def named_children(self):
        return ((k, v) for k, v in self._registry.items() if not isinstance(v, nn.Parameter))

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return repr({k: v for k, v in self.named_children()})
