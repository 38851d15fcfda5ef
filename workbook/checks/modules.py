"""Checks for 03_modules: module registries and parameters (owned by that notebook).

The test cells of ``MyModule`` build small networks on the student's base class and the
same networks on ``nn.Module``, holding the *same* layer objects, then compare what the two
registries report: which parameters, in which order, which children. The networks are
defined here, in the package, so that an error inside one of them is reported at the
student's line, never at a line of a hidden test.

Helpers take the running ``exercise`` (``ex``) and raise ``CheckFailure`` (directly or through
``ex.check``): every message starts with the exercise's name and says which network, what was
expected, what came, and a hint for the recognised mistake.
"""

from types import SimpleNamespace
from typing import NamedTuple

import torch
from torch import nn

from .failures import CheckFailure, describe
from .inputs import randn


# -- layers with seeded weights -------------------------------------------------------------
def linear(n_in: int, n_out: int, seed: int, bias: bool = True) -> nn.Linear:
    """An ``nn.Linear`` whose weights come from a seeded generator (same on every machine)."""
    layer = nn.Linear(n_in, n_out, bias=bias)
    with torch.no_grad():
        layer.weight.copy_(randn(n_out, n_in, seed=seed, scale=n_in ** -0.5))
        if bias:
            layer.bias.copy_(randn(n_out, seed=seed + 1, scale=0.1))
    return layer


def parameter(*shape, seed: int) -> nn.Parameter:
    return nn.Parameter(randn(*shape, seed=seed))


def mlp_layers(n_in: int, nh: int, n_out: int, seed: int) -> list[nn.Module]:
    """``[Linear(n_in, nh), ReLU(), Linear(nh, n_out)]`` with seeded weights."""
    return [linear(n_in, nh, seed), nn.ReLU(), linear(nh, n_out, seed + 10)]


def layer_lists(seed: int) -> list[tuple[str, list[nn.Module], str]]:
    """``(description, layers, hint)`` for the lists of layers ``SequentialModel`` is tested with."""
    square = linear(5, 5, seed + 20)
    in_order = "apply every layer of the list, in order, each to the previous layer's output"
    return [
        ("[Linear(6, 5), ReLU(), Linear(5, 3)]", [linear(6, 5, seed), nn.ReLU(), linear(5, 3, seed + 2)], in_order),
        ("[Linear(6, 4)]", [linear(6, 4, seed + 4)], in_order),
        ("[Linear(6, 8), Tanh(), Linear(8, 8), ReLU(), Linear(8, 5), Sigmoid()]",
         [linear(6, 8, seed + 6), nn.Tanh(), linear(8, 8, seed + 8), nn.ReLU(), linear(8, 5, seed + 10), nn.Sigmoid()],
         in_order),
        ("[Linear(6, 5), ReLU(), sq, ReLU(), sq] with one square Linear sq used twice",
         [linear(6, 5, seed + 12), nn.ReLU(), square, nn.ReLU(), square],
         "a layer that appears twice in the list is applied twice: loop over the registered list "
         "(the ModuleList), not over children(), which skips a module it has already seen"),
    ]


# -- the networks the MyModule tests build, on any base class --------------------------------
def nets(base):
    """The test networks as subclasses of ``base`` (the student's MyModule, or nn.Module)."""

    class TwoLayer(base):
        def __init__(self, l1, act, l2):
            base.__init__(self)
            self.l1 = l1
            self.act = act
            self.l2 = l2

        def forward(self, x):
            return self.l2(self.act(self.l1(x)))

    class Scaled(base):
        """A child registered before two parameters of its own."""

        def __init__(self, lin, scale, shift):
            base.__init__(self)
            self.lin = lin
            self.scale = scale
            self.shift = shift

        def forward(self, x):
            return self.lin(x) * self.scale + self.shift

    class Nested(base):
        """A network of the same base inside a network, then a layer and a parameter."""

        def __init__(self, body, head, gain):
            base.__init__(self)
            self.body = body
            self.head = head
            self.gain = gain

        def forward(self, x):
            return self.head(self.body(x)) * self.gain

    class Shared(base):
        """One Linear registered under two names, applied twice."""

        def __init__(self, lin, act):
            base.__init__(self)
            self.first = lin
            self.act = act
            self.second = lin

        def forward(self, x):
            return self.second(self.act(self.first(x)))

    class Tied(base):
        """A Linear registered directly, and again inside a nested network."""

        def __init__(self, tail, body):
            base.__init__(self)
            self.tail = tail
            self.body = body

        def forward(self, x):
            return self.tail(self.body(x))

    class Extras(base):
        """One real child among attributes a registry must leave alone."""

        def __init__(self, lin, spare, offset):
            base.__init__(self)
            self.lin = lin
            self.width = 3
            self.sizes = [5, 3]
            self.spare = [spare]
            self.table = {"spare": spare}
            self.mask = torch.ones(3)
            self.weights_like = torch.zeros(3, requires_grad=True)
            self.label = "extras"
            self.activation = torch.relu
            self.layer_class = nn.Linear
            self._private = spare
            self._offset = offset

        def forward(self, x):
            return self.activation(self.lin(x)) * self.mask + self._offset

    class TwoInputs(base):
        """forward takes two positional arguments and a keyword argument."""

        def __init__(self, lin):
            base.__init__(self)
            self.lin = lin

        def forward(self, a, b, weight=1.0):
            return self.lin(a) + weight * self.lin(b)

    return SimpleNamespace(TwoLayer=TwoLayer, Scaled=Scaled, Nested=Nested, Shared=Shared, Tied=Tied,
                           Extras=Extras, TwoInputs=TwoInputs)


class Twins(NamedTuple):
    net: object        # the network on the student's base class
    twin: nn.Module    # the same network on nn.Module, holding the same layers and parameters
    what: str          # how messages name it
    children: list     # the (name, module) pairs the student's network should report


def twins(base, kind: str, seed: int = 0) -> Twins:
    """The network ``kind`` built on ``base`` and on nn.Module, from the same layer objects.

    Their registries must report the same parameter objects, in the same order. Children are
    the same objects too, except a nested network, which is built on each base.
    """
    mine, theirs = nets(base), nets(nn.Module)
    if kind == "TwoLayer":
        args = (linear(5, 4, seed), nn.ReLU(), linear(4, 3, seed + 2))
        return Twins(mine.TwoLayer(*args), theirs.TwoLayer(*args),
                     "TwoLayer (l1 = Linear(5, 4), act = ReLU(), l2 = Linear(4, 3))",
                     list(zip(("l1", "act", "l2"), args)))
    if kind == "Scaled":
        args = (linear(5, 3, seed), parameter(3, seed=seed + 2), parameter(3, seed=seed + 3))
        return Twins(mine.Scaled(*args), theirs.Scaled(*args),
                     "Scaled (lin = Linear(5, 3), then own parameters scale and shift)", [("lin", args[0])])
    if kind == "Nested":
        layers = (linear(5, 4, seed), nn.ReLU(), linear(4, 4, seed + 2))
        head, gain = linear(4, 2, seed + 4), parameter(2, seed=seed + 6)
        body = mine.TwoLayer(*layers)
        return Twins(mine.Nested(body, head, gain), theirs.Nested(theirs.TwoLayer(*layers), head, gain),
                     "Nested (body = a TwoLayer of your MyModule, head = Linear(4, 2), own parameter gain)",
                     [("body", body), ("head", head)])
    if kind == "Shared":
        lin, act = linear(4, 4, seed), nn.ReLU()
        return Twins(mine.Shared(lin, act), theirs.Shared(lin, act),
                     "Shared (one Linear(4, 4) registered as both first and second)",
                     [("first", lin), ("act", act), ("second", lin)])
    if kind == "Tied":
        tail, layers = linear(4, 4, seed), (nn.ReLU(), linear(4, 4, seed + 2))
        body = mine.TwoLayer(tail, *layers)
        return Twins(mine.Tied(tail, body), theirs.Tied(tail, theirs.TwoLayer(tail, *layers)),
                     "Tied (tail = Linear(4, 4), body = a TwoLayer of your MyModule whose l1 is that same Linear)",
                     [("tail", tail), ("body", body)])
    if kind == "TwoInputs":
        lin = linear(4, 3, seed)
        return Twins(mine.TwoInputs(lin), theirs.TwoInputs(lin), "TwoInputs (lin = Linear(4, 3))", [("lin", lin)])
    raise ValueError(kind)


# -- what the registries report --------------------------------------------------------------
def _label(p, names) -> str:
    if id(p) in names:
        return names[id(p)]
    if isinstance(p, torch.Tensor):
        return "?" + str(tuple(p.shape)).replace(",)", ")")
    return f"a {type(p).__name__}"


def _listed(items, names) -> str:
    text = "[" + ", ".join(_label(p, names) for p in items) + "]"
    if any(isinstance(p, torch.Tensor) and id(p) not in names for p in items):
        text += " (?shape: a tensor that is not one of this network's parameters)"
    return text


def collect_parameters(ex, net, what: str) -> list:
    """``list(net.parameters())``, with a clear message when it is not an iterable."""
    params = net.parameters()
    try:
        iterator = iter(params)
    except TypeError:
        raise CheckFailure(f"{ex.name}: {what}: parameters() returned {type(params).__name__}, "
                           "expected an iterable of parameters\n  hint: make it a generator (yield each "
                           "parameter) or return a list") from None
    return list(iterator)


def assert_parameters(ex, net, expected, what: str, hint: str | None = None, twice: bool = True,
                      missing_hint: str | None = None, extra_hint: str | None = None, ordered: bool = True,
                      stale=(), stale_hint: str | None = None):
    """``net.parameters()`` yields exactly the objects ``expected`` (name -> parameter pairs), each once,
    and with ``ordered`` in the same order.

    ``stale`` names tensors that must not come back (a replaced layer's); when one does,
    ``stale_hint`` explains. With ``twice``, a second call of ``parameters()`` must yield
    them all again.
    """
    expected = list(expected)
    stale_names = {id(p): n for n, p in stale}
    names = {**stale_names, **{id(p): n for n, p in expected}}
    expected_ids = {id(p) for _, p in expected}
    want = [p for _, p in expected]
    got = collect_parameters(ex, net, what)
    want_text = "[" + ", ".join(n for n, _ in expected) + "]"

    def fail(problem, default_hint):
        advice = hint or default_hint
        raise CheckFailure(f"{ex.name}: {what}: {problem}" + (f"\n  hint: {advice}" if advice else ""))

    for p in got:
        if not isinstance(p, torch.Tensor):
            fail(f"parameters() yielded {_label(p, names)}, expected only parameters (tensors)",
                 "yield the parameters of each child (child.parameters()), not the child itself")
    ids = [id(p) for p in got]
    dups = list(dict.fromkeys(_label(p, names) for p in got if ids.count(id(p)) > 1))
    if dups:
        fail(f"parameters() yielded {', '.join(dups)} more than once: {_listed(got, names)}, expected {want_text}",
             "a layer registered twice (or reached through two children) has one set of parameters: "
             "yield each parameter once, remembering those already yielded")
    missing = [names[id(p)] for p in want if id(p) not in set(ids)]
    extra = [p for p in got if id(p) not in expected_ids]
    if missing or extra:
        problem = f"parameters() yielded {_listed(got, names)}, expected {want_text}"
        if missing:
            problem += f"; missing: {', '.join(missing)}"
        if any(id(p) in stale_names for p in extra):
            fail(problem, stale_hint)
        if extra:
            fail(problem, extra_hint or "only the network's own nn.Parameter attributes and its children's "
                 "parameters count: a registry created in the class body is shared by every instance, and a "
                 "copy of a layer is a different object from the layer")
        fail(problem, missing_hint)
    if ordered and ids != [id(p) for p in want]:
        fail(f"parameters() yielded the right objects in the order {_listed(got, names)}, expected {want_text}",
             "own parameters come first, then each child's, in the order the attributes were assigned")
    if twice:
        again = collect_parameters(ex, net, what)
        if sorted(id(p) for p in again) != sorted(ids):
            fail(f"a second call of parameters() yielded {len(again)} parameters, the first call {len(got)}",
                 "parameters() must start afresh on every call: return a new generator (or a list) each time")


def assert_children(ex, net, expected, what: str, hint: str | None = None):
    """``net.named_children()`` gives exactly the ``(name, module)`` pairs ``expected``, in order."""
    got = net.named_children()
    try:
        got = list(got)
    except TypeError:
        raise CheckFailure(f"{ex.name}: {what}: named_children() returned {type(got).__name__}, "
                           "expected an iterable of (name, module) pairs") from None
    pairs = []
    for item in got:
        if isinstance(item, str) or not hasattr(item, "__len__") or len(item) != 2:
            raise CheckFailure(f"{ex.name}: {what}: named_children() yielded {item!r}, expected (name, module) "
                               "pairs\n  hint: iterate over your registry's items(), not its keys")
        pairs.append(tuple(item))
    expected = [tuple(e) for e in expected]

    def show(ps):
        return "[" + ", ".join(f"({n!r}, {type(m).__name__})" for n, m in ps) + "]"

    same = len(pairs) == len(expected) and all(n == en and m is em for (n, m), (en, em) in zip(pairs, expected))
    if not same:
        raise CheckFailure(f"{ex.name}: {what}: named_children() gave {show(pairs)}, expected {show(expected)}"
                           + (f"\n  hint: {hint}" if hint else
                              "\n  hint: children are the attributes holding modules, in the order they "
                              "were assigned (parameters and other values are not children)"))


def assert_call(ex, net, twin, args, kwargs, what: str, hint: str):
    """``net(*args, **kwargs)`` gives what the nn.Module twin gives; a TypeError gets ``hint``."""
    try:
        got = net(*args, **kwargs)
    except TypeError as exc:
        raise CheckFailure(f"{ex.name}: {what}: raised TypeError: {exc}\n  hint: {hint}") from None
    ex.assert_close(got, twin(*args, **kwargs), what, inputs=args, hint=hint)


def check_plain_base(ex, cls):
    """MyModule must be a class of its own, not a subclass of nn.Module."""
    ex.check(isinstance(cls, type), f"MyModule should be a class, got {type(cls).__name__}")
    ex.check(not issubclass(cls, nn.Module),
             "MyModule derives from nn.Module, which already does all the registering; this exercise asks "
             "you to build the registry yourself on a plain class (class MyModule: ...)")


def train_steps(net, x, y, steps: int = 3, lr: float = 0.1) -> list[float]:
    """A few steps of torch.optim.SGD on ``net.parameters()`` with a squared-error loss."""
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    return losses


def assert_attributes(ex, net, expected: dict, what: str):
    """Every attribute in ``expected`` reads back as assigned: the same object for modules and
    tensors, an equal value for anything else."""
    missing = object()
    for name, value in expected.items():
        got = getattr(net, name, missing)
        if got is missing:
            raise CheckFailure(f"{ex.name}: {what}: net.{name} was assigned but cannot be read back\n  hint: "
                               "__setattr__ must still store every attribute: call super().__setattr__(name, value)")
        same = got is value or (not isinstance(value, (torch.Tensor, nn.Module)) and type(got) is type(value)
                                and got == value)
        if not same:
            raise CheckFailure(f"{ex.name}: {what}: net.{name} reads back as a {type(got).__name__}, not the value "
                               f"assigned to it ({type(value).__name__})\n  hint: store the value itself with "
                               "super().__setattr__(name, value)")


def assert_repr(ex, net, children, what: str):
    """``repr(net)`` names each of ``children`` (name, module pairs) and shows its repr.

    Of a child whose repr spans several lines only the first line is looked for, since a
    nested repr may be indented in any way.
    """
    text = repr(net)
    for name, child in children:
        shown_child = repr(child).splitlines()[0].strip()
        if name not in text or shown_child not in text:
            shown = text if len(text) <= 300 else text[:300] + " ..."
            raise CheckFailure(
                f"{ex.name}: {what}: repr(net) should list each child with its name, but {name!r} / "
                f"{shown_child!r} is not in it; got {shown!r}\n  hint: build the string from your registry "
                "of children, e.g. one line per child: (name): repr(child)")


# -- nn.Module checks for MLP and SequentialModel --------------------------------------------
def require_module(ex, obj, what: str):
    ex.check(isinstance(obj, nn.Module),
             f"{what}: expected an nn.Module, got {type(obj).__name__}\n  hint: derive the class from nn.Module "
             "and call super().__init__() first in __init__")


def mlp_reference(ex, model, n_in: int, nh: int, n_out: int) -> nn.Sequential:
    """nn.Sequential(l1, ReLU(), l2) on the model's own Linear layers, after checking their sizes."""
    what = f"MLP({n_in}, {nh}, {n_out})"
    require_module(ex, model, what)
    for name, (i, o) in (("l1", (n_in, nh)), ("l2", (nh, n_out))):
        layer = getattr(model, name, None)
        ex.check(isinstance(layer, nn.Linear),
                 (f"{what}: has no attribute {name}" if layer is None else
                  f"{what}: attribute {name} should be an nn.Linear, got {type(layer).__name__}")
                 + "\n  hint: the children are l1 (Linear), relu (ReLU) and l2 (Linear), assigned as attributes "
                   "of self in __init__")
        ex.check((layer.in_features, layer.out_features) == (i, o),
                 f"{what}: {name} is Linear({layer.in_features}, {layer.out_features}), expected Linear({i}, {o})"
                 "\n  hint: l1 maps n_in inputs to nh hidden units, l2 maps nh hidden units to n_out outputs")
    return nn.Sequential(model.l1, nn.ReLU(), model.l2)


def assert_eval_reaches(ex, model, layers, what: str):
    """``eval()`` and ``train()`` on ``model`` switch every one of ``layers`` (name -> module pairs)."""
    ex.check(model.eval() is model, f"{what}: eval() should return the model itself")
    off = [name for name, layer in layers if layer.training]
    ex.check(not off, f"{what}: after model.eval(), {', '.join(off)} still in training mode\n  hint: eval() only "
                      "reaches registered submodules: register the layers you were given (nn.ModuleList or "
                      "add_module), not copies of them")
    model.train()
    on = [name for name, layer in layers if not layer.training]
    ex.check(not on, f"{what}: after model.train(), {', '.join(on)} still in eval mode")


def assert_moved(ex, model, tensors, what: str, dtype=None, device=None):
    """``tensors`` (name -> tensor, fetched after the move) all have ``dtype`` / live on ``device``."""
    for name, t in tensors:
        if dtype is not None and t.dtype != dtype:
            raise CheckFailure(f"{ex.name}: {what}: after .to({dtype}), {name} is {describe(t)}\n  hint: "
                               ".to() only reaches registered layers: register them (nn.ModuleList or add_module)")
        if device is not None and t.device.type != torch.device(device).type:
            raise CheckFailure(f"{ex.name}: {what}: after .to({str(device)!r}), {name} is {describe(t)}\n  hint: "
                               ".to() only reaches registered layers: register them (nn.ModuleList or add_module)")


def layer_tensors(layers) -> list:
    """``("layer i's name", tensor)`` for the floating-point parameters and buffers of ``layers``."""
    return [(f"layer {i}'s {n}", t) for i, layer in enumerate(layers)
            for n, t in [*layer.named_parameters(), *layer.named_buffers()] if t.is_floating_point()]


def no_sequential_inside(ex, model, what: str):
    inside = [type(m).__name__ for m in model.modules() if isinstance(m, nn.Sequential)]
    ex.check(not inside, f"{what}: uses nn.Sequential, the class this exercise asks you to build yourself\n"
                         "  hint: keep the layers in an nn.ModuleList (or add_module each) and apply them in a loop")


# -- MyModule: a registered name given a value of another kind ---------------------------------
_KIND_HINT = ("a name holds one value: when it gets a value of another kind (a Parameter where a module was, "
              "or None), take it out of the registry it was in")


def check_kind_change(ex, base, seed: int = 0):
    """A registered name given a value of another kind ends up registered once, as that kind,
    as nn.Module does: a Parameter where a module was; None where a module or a Parameter was
    (nothing registered). nn.Module refuses a module where a Parameter was: not asked."""
    net, twin, what, _ = twins(base, "TwoLayer", seed=seed)
    old, param = twin.l2, parameter(3, seed=seed + 5)
    net.l2 = param
    twin.l2 = param
    what = f"{what}, then net.l2 = a Parameter of shape (3,)"
    assert_attributes(ex, net, {"l2": param}, what)
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, missing_hint=_KIND_HINT,
                      stale=[("old l2.weight", old.weight), ("old l2.bias", old.bias)], stale_hint=_KIND_HINT)
    assert_children(ex, net, twin.named_children(), what, hint=_KIND_HINT)

    net, twin, what, _ = twins(base, "TwoLayer", seed=seed + 20)
    old = twin.l1
    net.l1 = None
    twin.l1 = None
    what = f"{what}, then net.l1 = None"
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, missing_hint=_KIND_HINT,
                      stale=[("old l1.weight", old.weight), ("old l1.bias", old.bias)], stale_hint=_KIND_HINT)
    assert_children(ex, net, [(n, m) for n, m in twin.named_children()], what, hint=_KIND_HINT)

    net, twin, what, _ = twins(base, "Scaled", seed=seed + 30)
    old = twin.shift
    net.shift = None
    twin.shift = None
    what = f"{what}, then net.shift = None"
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, stale=[("old shift", old)],
                      stale_hint=_KIND_HINT)
