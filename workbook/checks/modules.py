"""Checks for 03_modules: ``MLP``, ``MyModule`` and ``SequentialModel`` (owned by that notebook).

The notebook's test cells reach these as ``C.modules``; each hidden region is a short list of
``check_*`` calls, one scenario each, documented here. The ``MyModule`` checks build small
networks on the student's base class and the same networks on ``nn.Module``, holding the
*same* layer objects, then compare what the two registries report: which parameters, in which
order, which children. ``MLP`` and ``SequentialModel`` are compared with ``nn.Sequential`` on
the student's own layers. Networks and scenarios are defined here, in the package, so that an
error inside one of them is reported at the student's line, never at a line of a hidden test.

Every check takes the running ``exercise`` (``ex``) and fails through ``ex.fail`` /
``ex.explain``: the message names the exercise and the network, says what was expected and
what came, and gives the hint for the recognised mistake. Nothing here implements an exercise:
the references are PyTorch's own classes.
"""

from types import SimpleNamespace
from typing import NamedTuple

import torch
from torch import nn

from .devices import DEVICES
from .failures import describe
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


# input width of each network ``twins`` builds
IN_FEATURES = {"TwoLayer": 5, "Scaled": 5, "Nested": 5, "Shared": 4, "Tied": 4, "TwoInputs": 4}


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
        ex.fail(what, f"parameters() returned {type(params).__name__}, expected an iterable of parameters",
                hint="make it a generator (yield each parameter) or return a list")
    return list(iterator)


def assert_parameters(ex, net, expected, what: str, hint: str | None = None, twice: bool = True,
                      missing_hint: str | None = None, extra_hint: str | None = None, ordered: bool = True,
                      stale=(), stale_hint: str | None = None):
    """``net.parameters()`` yields exactly the objects ``expected`` (name -> parameter pairs), each once,
    and with ``ordered`` in the same order.

    ``hint`` replaces every default hint. ``stale`` names tensors that must not come back (a
    replaced layer's); when one does, ``stale_hint`` explains. With ``twice``, a second call of
    ``parameters()`` must yield them all again.
    """
    expected = list(expected)
    stale_names = {id(p): n for n, p in stale}
    names = {**stale_names, **{id(p): n for n, p in expected}}
    expected_ids = {id(p) for _, p in expected}
    want = [p for _, p in expected]
    got = collect_parameters(ex, net, what)
    want_text = "[" + ", ".join(n for n, _ in expected) + "]"

    def fail(problem, default_hint):
        ex.fail(what, problem, hint=hint or default_hint or "")

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


_CHILDREN_HINT = ("children are the attributes holding modules, in the order they were assigned (parameters "
                  "and other values are not children)")


def assert_children(ex, net, expected, what: str, hint: str | None = None):
    """``net.named_children()`` gives exactly the ``(name, module)`` pairs ``expected``, in order."""
    got = net.named_children()
    try:
        got = list(got)
    except TypeError:
        ex.fail(what, f"named_children() returned {type(got).__name__}, expected an iterable of (name, module) pairs")
    pairs = []
    for item in got:
        if isinstance(item, str) or not hasattr(item, "__len__") or len(item) != 2:
            ex.fail(what, f"named_children() yielded {item!r}, expected (name, module) pairs",
                    hint="iterate over your registry's items(), not its keys")
        pairs.append(tuple(item))
    expected = [tuple(e) for e in expected]

    def show(ps):
        return "[" + ", ".join(f"({n!r}, {type(m).__name__})" for n, m in ps) + "]"

    same = len(pairs) == len(expected) and all(n == en and m is em for (n, m), (en, em) in zip(pairs, expected))
    if not same:
        ex.fail(what, f"named_children() gave {show(pairs)}, expected {show(expected)}", hint=hint or _CHILDREN_HINT)


def assert_call(ex, net, twin, args, kwargs, what: str, hint: str):
    """``net(*args, **kwargs)`` gives what the nn.Module twin gives; a TypeError gets ``hint``."""
    try:
        got = net(*args, **kwargs)
    except TypeError as exc:  # a call that does not pass the arguments on; other errors explain themselves
        raise ex.explain(exc, what=what, hint=hint) from None
    ex.assert_close(got, twin(*args, **kwargs), what, inputs=args, hint=hint)


def assert_forward(ex, net, twin, x, what: str):
    """``net(x)`` (which runs forward) gives what the nn.Module twin gives."""
    ex.assert_close(net(x), twin(x), f"{what}: net(x), which runs forward", inputs=(x,))


def check_plain_base(ex, cls):
    """MyModule must be a class of its own, not a subclass of nn.Module."""
    if not isinstance(cls, type):
        ex.fail("", f"MyModule should be a class, got {type(cls).__name__}")
    if issubclass(cls, nn.Module):
        ex.fail("", "MyModule derives from nn.Module, which already does all the registering; this exercise asks "
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
            ex.fail(what, f"net.{name} was assigned but cannot be read back",
                    hint="__setattr__ must still store every attribute: call super().__setattr__(name, value)")
        same = got is value or (not isinstance(value, (torch.Tensor, nn.Module)) and type(got) is type(value)
                                and got == value)
        if not same:
            ex.fail(what, f"net.{name} reads back as a {type(got).__name__}, not the value assigned to it "
                          f"({type(value).__name__})",
                    hint="store the value itself with super().__setattr__(name, value)")


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
            ex.fail(what, f"repr(net) should list each child with its name, but {name!r} / {shown_child!r} is not "
                          f"in it; got {shown!r}",
                    hint="build the string from your registry of children, e.g. one line per child: "
                         "(name): repr(child)")


# -- nn.Module checks for MLP and SequentialModel --------------------------------------------
_REGISTERED_ONLY = ".to() only reaches registered layers: register them (nn.ModuleList or add_module)"


def require_module(ex, obj, what: str):
    if not isinstance(obj, nn.Module):
        ex.fail(what, f"expected an nn.Module, got {type(obj).__name__}",
                hint="derive the class from nn.Module and call super().__init__() first in __init__")


def mlp_reference(ex, model, n_in: int, nh: int, n_out: int) -> nn.Sequential:
    """nn.Sequential(l1, ReLU(), l2) on the model's own Linear layers, after checking their sizes."""
    what = f"MLP({n_in}, {nh}, {n_out})"
    require_module(ex, model, what)
    for name, (i, o) in (("l1", (n_in, nh)), ("l2", (nh, n_out))):
        layer = getattr(model, name, None)
        if not isinstance(layer, nn.Linear):
            ex.fail(what, f"has no attribute {name}" if layer is None else
                    f"attribute {name} should be an nn.Linear, got {type(layer).__name__}",
                    hint="the children are l1 (Linear), relu (ReLU) and l2 (Linear), assigned as attributes "
                         "of self in __init__")
        if (layer.in_features, layer.out_features) != (i, o):
            ex.fail(what, f"{name} is Linear({layer.in_features}, {layer.out_features}), expected Linear({i}, {o})",
                    hint="l1 maps n_in inputs to nh hidden units, l2 maps nh hidden units to n_out outputs")
    return nn.Sequential(model.l1, nn.ReLU(), model.l2)


def assert_eval_reaches(ex, model, layers, what: str):
    """``eval()`` and ``train()`` on ``model`` switch every one of ``layers`` (name -> module pairs)."""
    if model.eval() is not model:
        ex.fail(what, "eval() should return the model itself")
    off = [name for name, layer in layers if layer.training]
    if off:
        ex.fail(what, f"after model.eval(), {', '.join(off)} still in training mode",
                hint="eval() only reaches registered submodules: register the layers you were given "
                     "(nn.ModuleList or add_module), not copies of them")
    model.train()
    on = [name for name, layer in layers if not layer.training]
    if on:
        ex.fail(what, f"after model.train(), {', '.join(on)} still in eval mode")


def assert_moved(ex, model, tensors, what: str, dtype=None, device=None):
    """``tensors`` (name -> tensor, fetched after the move) all have ``dtype`` / live on ``device``."""
    for name, t in tensors:
        if dtype is not None and t.dtype != dtype:
            ex.fail(what, f"after .to({dtype}), {name} is {describe(t)}", hint=_REGISTERED_ONLY)
        if device is not None and t.device.type != torch.device(device).type:
            ex.fail(what, f"after .to({str(device)!r}), {name} is {describe(t)}", hint=_REGISTERED_ONLY)


def assert_returns_itself(ex, model, what: str):
    """``model.to(torch.float64)`` returns the model, as nn.Module's does."""
    if model.to(torch.float64) is not model:
        ex.fail(what, ".to(torch.float64) should return the model itself")


def layer_tensors(layers) -> list:
    """``("layer i's name", tensor)`` for the floating-point parameters and buffers of ``layers``."""
    return [(f"layer {i}'s {n}", t) for i, layer in enumerate(layers)
            for n, t in [*layer.named_parameters(), *layer.named_buffers()] if t.is_floating_point()]


def no_sequential_inside(ex, model, what: str):
    if any(isinstance(m, nn.Sequential) for m in model.modules()):
        ex.fail(what, "uses nn.Sequential, the class this exercise asks you to build yourself",
                hint="keep the layers in an nn.ModuleList (or add_module each) and apply them in a loop")


# == MLP ====================================================================================
MLP_FORWARD_HINT = "apply l1, then the ReLU, then l2, keeping every step a tensor operation"
MLP_RELU_CHILD_HINT = "assign nn.ReLU() to self.relu: a function such as F.relu is not a module, so it is not a child"
MLP_UNREGISTERED_HINT = ("assign the layers as attributes of self; layers kept in a plain list or created in forward "
                         "are not registered")
MLP_SHARED_HINT = "create the layers in __init__, so that each instance gets its own"
_MLP_SIZES = (6, 4, 3)  # the MLP the parameter and .to()/eval() checks build
_MLP_NAMES = ["l1.weight", "l1.bias", "l2.weight", "l2.bias"]


def check_mlp_forward(ex, cls, n_in: int, nh: int, n_out: int, *, batch: int, seed: int):
    """``cls(n_in, nh, n_out)`` (built after ``torch.manual_seed(seed + 100)``) computes, and
    differentiates with respect to its input, what ``nn.Sequential(l1, ReLU(), l2)`` on its own
    layers does, on a batch of ``batch`` seeded rows of scale 2."""
    torch.manual_seed(seed + 100)
    model = ex.call(cls, n_in, nh, n_out)
    reference = mlp_reference(ex, model, n_in, nh, n_out)
    ex.compare(model, reference, randn(batch, n_in, seed=seed, scale=2.0), grad=True,
               what=f"forward and input gradient of MLP({n_in}, {nh}, {n_out}) on a batch of {batch}",
               hint=MLP_FORWARD_HINT)


def check_mlp_parameters(ex, cls, *, seed: int = 5):
    """``cls(6, 4, 3)`` registers what nn.Module would: children l1, relu, l2; parameters
    l1.weight, l1.bias, l2.weight, l2.bias (in that order, each once); its own layers per
    instance; a state_dict with those keys that loads into a second instance."""
    n_in, nh, n_out = _MLP_SIZES
    what = f"MLP({n_in}, {nh}, {n_out})"
    torch.manual_seed(seed)
    model = ex.call(cls, n_in, nh, n_out)
    mlp_reference(ex, model, n_in, nh, n_out)
    kids = dict(model.named_children())
    if not (isinstance(kids.get("relu"), nn.ReLU) and kids.get("l1") is model.l1 and kids.get("l2") is model.l2):
        ex.fail(what, "the children are " + str({k: type(v).__name__ for k, v in kids.items()})
                + ", expected l1 (Linear), relu (ReLU) and l2 (Linear)", hint=MLP_RELU_CHILD_HINT)
    assert_parameters(ex, model, [(n, model.get_parameter(n)) for n in _MLP_NAMES], what,
                      missing_hint=MLP_UNREGISTERED_HINT)
    other = ex.call(cls, n_in, nh, n_out)
    if {id(p) for p in model.parameters()} & {id(p) for p in other.parameters()}:
        ex.fail(what, "two instances share parameters", hint=MLP_SHARED_HINT)
    keys = sorted(model.state_dict())
    if keys != sorted(_MLP_NAMES):
        ex.fail(what, f"state_dict() has keys {keys}, expected {sorted(_MLP_NAMES)}")
    other.load_state_dict(model.state_dict())
    x = randn(5, n_in, seed=seed + 1)
    ex.assert_close(other(x), model(x), f"{what}: forward of a second instance after "
                    "other.load_state_dict(model.state_dict())", inputs=(x,))


def check_mlp_to_eval(ex, cls, *, seed: int = 7, devices=DEVICES):
    """``eval()`` / ``train()`` on ``cls(6, 4, 3)`` reach every submodule; ``.to(torch.float64)``
    returns the model and converts its parameters; ``.to(device)``, for each of ``devices`` in
    turn, moves them, and the float64 output comes on the input's device."""
    n_in, nh, n_out = _MLP_SIZES
    what = f"MLP({n_in}, {nh}, {n_out})"
    torch.manual_seed(seed)
    model = ex.call(cls, n_in, nh, n_out)
    mlp_reference(ex, model, n_in, nh, n_out)
    assert_eval_reaches(ex, model, [(n or "the model", m) for n, m in model.named_modules()], what)
    assert_returns_itself(ex, model, what)
    assert_moved(ex, model, model.named_parameters(), what, dtype=torch.float64)
    for device in devices:
        model.to(device)
        assert_moved(ex, model, model.named_parameters(), what, device=device)
        x = randn(3, n_in, seed=seed + 1, dtype=torch.float64, device=device)
        out = model(x)
        if not (out.dtype == torch.float64 and out.device == x.device):
            ex.fail(what, f"after .to(float64) and .to({str(device)!r}), the output is {describe(out)} "
                          f"for an input {describe(x)}")


# == MyModule ===============================================================================
REGISTRY_MISSING_HINTS = {  # the mistake a missing parameter most likely means, per network
    "Scaled": "the network's own nn.Parameter attributes come first, then each child's parameters",
    "Nested": "a MyModule inside a MyModule is a child too: register values that are an nn.Module or a MyModule",
}
ONLY_MODULES_HINT = ("register only values that are modules (nn.Module or MyModule) or nn.Parameters, under names "
                     "that don't start with _")
ONCE_HINT = "each parameter must be yielded once, or the optimizer updates it twice per step"
REPLACES_HINT = "assigning to a registered name replaces its entry: keep a dict name -> value, not a list"
SEPARATE_REGISTRY_HINT = ("each instance needs its own registry: create the dicts in __init__, on self, not in the "
                          "class body")
PASS_ON_HINT = "pass every argument on to forward: def __call__(self, *args, **kwargs)"
KIND_CHANGE_HINT = ("a name holds one value: when it gets a value of another kind (a Parameter where a module was, "
              "or None), take it out of the registry it was in")


def check_registry(ex, base, kind: str, *, seed: int):
    """The network ``kind`` (see ``twins``) on ``base`` reports the parameters, in order, and the
    children its nn.Module twin reports, and ``net(x)`` runs forward (3 seeded rows)."""
    check_plain_base(ex, base)
    net, twin, what, children = twins(base, kind, seed=seed)
    assert_parameters(ex, net, twin.named_parameters(), what, missing_hint=REGISTRY_MISSING_HINTS.get(kind))
    assert_children(ex, net, children, what)
    assert_forward(ex, net, twin, randn(3, IN_FEATURES[kind], seed=seed + 9), what)


def check_filtering(ex, base, *, seed: int = 30):
    """Of the ``Extras`` network's many attributes (ints, lists, a dict, plain tensors, a string, a
    function, a class, private layers and parameters) only the one Linear is registered; every
    attribute still reads back as assigned, and forward works."""
    check_plain_base(ex, base)
    lin, spare = linear(3, 3, seed=seed), linear(3, 3, seed=seed + 2)
    offset = parameter(3, seed=seed + 4)
    net = nets(base).Extras(lin, spare, offset)
    what = ("Extras (lin = Linear(3, 3), plus an int, a list of ints, a list holding a Linear, a dict, plain "
            "tensors, a string, a function, a class, and _private = Linear(3, 3), _offset = Parameter)")
    assert_children(ex, net, [("lin", lin)], what, hint=ONLY_MODULES_HINT)
    assert_parameters(ex, net, [("lin.weight", lin.weight), ("lin.bias", lin.bias)], what, hint=ONLY_MODULES_HINT,
                      ordered=False)
    assert_attributes(ex, net, {"lin": lin, "width": 3, "sizes": [5, 3], "spare": [spare], "label": "extras",
                                "_private": spare, "_offset": offset}, what)
    x = randn(2, 3, seed=seed + 5)
    ex.assert_close(net(x), torch.relu(lin(x)) + offset, f"{what}: net(x), which runs forward", inputs=(x,))


def check_shared_layer(ex, base, kind: str, *, seed: int):
    """``kind`` is "Shared" (one Linear under two names) or "Tied" (a Linear registered directly and
    inside a nested network): its parameters come once each, as nn.Module's do, and forward works."""
    check_plain_base(ex, base)
    net, twin, what, _ = twins(base, kind, seed=seed)
    assert_parameters(ex, net, twin.named_parameters(), what)
    assert_forward(ex, net, twin, randn(3, IN_FEATURES[kind], seed=seed + 5), what)


def check_shared_training(ex, base, *, seed: int = 60):
    """Three steps of ``torch.optim.SGD(net.parameters(), lr=0.1)`` on the "Shared" network give
    the losses and the shared weight that an nn.Module with equal values gives."""
    check_plain_base(ex, base)
    net, _, what, _ = twins(base, "Shared", seed=seed)
    _, twin, _, _ = twins(base, "Shared", seed=seed)  # equal values, separate objects
    x, y = randn(8, 4, seed=seed + 1), randn(8, 4, seed=seed + 2)
    losses = train_steps(net, x, y)
    expected = train_steps(twin, x, y)
    ex.assert_close(torch.tensor(losses), torch.tensor(expected),
                    f"{what}: losses of 3 steps of torch.optim.SGD(net.parameters(), lr=0.1)", inputs=(x, y),
                    hint=ONCE_HINT)
    ex.assert_close(net.first.weight, twin.first.weight, f"{what}: the shared weight after 3 SGD steps",
                    inputs=(x, y), hint=ONCE_HINT)


def check_replaced_entry(ex, base, *, seed: int = 70):
    """``net.l2 = a new Linear`` on the "TwoLayer" network replaces the old child: it reads back,
    the old layer's parameters are gone, the children and forward are nn.Module's."""
    check_plain_base(ex, base)
    net, twin, what, _ = twins(base, "TwoLayer", seed=seed)
    old, new = twin.l2, linear(4, 3, seed=seed + 5)
    net.l2 = new
    twin.l2 = new
    what = f"{what}, then net.l2 = a new Linear(4, 3)"
    assert_attributes(ex, net, {"l2": new}, what)
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False,
                      stale=[("old l2.weight", old.weight), ("old l2.bias", old.bias)], stale_hint=REPLACES_HINT)
    assert_children(ex, net, twin.named_children(), what, hint=REPLACES_HINT)
    x = randn(2, IN_FEATURES["TwoLayer"], seed=seed + 6)
    ex.assert_close(net(x), twin(x), f"{what}: net(x)", inputs=(x,))


def check_replaced_parameter(ex, base, *, seed: int = 80):
    """``net.shift = a new Parameter`` on the "Scaled" network replaces the old parameter."""
    check_plain_base(ex, base)
    net, twin, what, _ = twins(base, "Scaled", seed=seed)
    old, shift = twin.shift, parameter(3, seed=seed + 5)
    net.shift = shift
    twin.shift = shift
    assert_parameters(ex, net, twin.named_parameters(), f"{what}, then net.shift = a new Parameter",
                      ordered=False, stale=[("old shift", old)], stale_hint=REPLACES_HINT)


def check_separate_instances(ex, base, *, seed: int = 90):
    """Two "TwoLayer" networks (and a third network built after them) keep separate registries:
    each reports its own parameters and children, also after ``b.extra = Linear(3, 2)``."""
    check_plain_base(ex, base)
    a, twin_a, what, children_a = twins(base, "TwoLayer", seed=seed)
    b, twin_b, _, _ = twins(base, "TwoLayer", seed=seed + 5)
    twins(base, "Scaled", seed=seed + 9)
    assert_parameters(ex, a, twin_a.named_parameters(), f"the first of two {what}", hint=SEPARATE_REGISTRY_HINT,
                      ordered=False)
    assert_children(ex, a, children_a, f"the first of two {what}", hint=SEPARATE_REGISTRY_HINT)
    assert_parameters(ex, b, twin_b.named_parameters(), f"the second of two {what}", hint=SEPARATE_REGISTRY_HINT,
                      ordered=False)
    extra = linear(3, 2, seed=seed + 8)
    b.extra = extra
    twin_b.extra = extra
    for net, twin, which in ((a, twin_a, "first"), (b, twin_b, "second")):
        assert_parameters(ex, net, twin.named_parameters(), f"the {which} of two {what}, after b.extra = Linear(3, 2)",
                          hint=SEPARATE_REGISTRY_HINT, ordered=False)


def check_kind_change(ex, base, *, seed: int = 120):
    """A registered name given a value of another kind ends up registered once, as that kind,
    as nn.Module does: a Parameter where a module was; None where a module or a Parameter was
    (nothing registered). nn.Module refuses a module where a Parameter was: not asked."""
    check_plain_base(ex, base)
    net, twin, what, _ = twins(base, "TwoLayer", seed=seed)
    old, param = twin.l2, parameter(3, seed=seed + 5)
    net.l2 = param
    twin.l2 = param
    what = f"{what}, then net.l2 = a Parameter of shape (3,)"
    assert_attributes(ex, net, {"l2": param}, what)
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, missing_hint=KIND_CHANGE_HINT,
                      stale=[("old l2.weight", old.weight), ("old l2.bias", old.bias)], stale_hint=KIND_CHANGE_HINT)
    assert_children(ex, net, twin.named_children(), what, hint=KIND_CHANGE_HINT)

    net, twin, what, _ = twins(base, "TwoLayer", seed=seed + 20)
    old = twin.l1
    net.l1 = None
    twin.l1 = None
    what = f"{what}, then net.l1 = None"
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, missing_hint=KIND_CHANGE_HINT,
                      stale=[("old l1.weight", old.weight), ("old l1.bias", old.bias)], stale_hint=KIND_CHANGE_HINT)
    assert_children(ex, net, list(twin.named_children()), what, hint=KIND_CHANGE_HINT)

    net, twin, what, _ = twins(base, "Scaled", seed=seed + 30)
    old = twin.shift
    net.shift = None
    twin.shift = None
    what = f"{what}, then net.shift = None"
    assert_parameters(ex, net, twin.named_parameters(), what, ordered=False, stale=[("old shift", old)],
                      stale_hint=KIND_CHANGE_HINT)


def check_call(ex, base, *, seed: int = 100):
    """Calling the "TwoInputs" network passes positional and keyword arguments on to forward."""
    check_plain_base(ex, base)
    net, twin, what, _ = twins(base, "TwoInputs", seed=seed)
    a, b = randn(2, 4, seed=seed + 1), randn(2, 4, seed=seed + 2)
    assert_call(ex, net, twin, (a, b), {}, f"{what}: net(a, b) runs forward(a, b)", PASS_ON_HINT)
    assert_call(ex, net, twin, (a, b), {"weight": 0.5}, f"{what}: net(a, b, weight=0.5) runs forward(a, b, weight=0.5)",
                PASS_ON_HINT)


def check_repr(ex, base, kind: str, *, seed: int):
    """``repr(net)`` of the network ``kind`` lists each child by name, with its repr."""
    check_plain_base(ex, base)
    net, _, what, children = twins(base, kind, seed=seed)
    assert_repr(ex, net, children, what)


# == SequentialModel ========================================================================
UNREGISTERED_HINT = ("a plain Python list of layers is invisible to nn.Module: register them with nn.ModuleList "
                     "or add_module")
COPIES_HINT = ("register the layers you were given, not copies: the caller's layers are the ones an optimizer "
               "must train")
SEPARATE_LAYERS_HINT = "each instance holds its own layers: create the ModuleList in __init__, not in the class body"


def check_sequential_forward(ex, cls, *, seed: int = 200):
    """For each of ``layer_lists(seed)`` in turn, ``cls(layers)`` is an nn.Module without an
    nn.Sequential inside, and computes, and differentiates with respect to its input, what
    ``nn.Sequential(*layers)`` does (4 seeded rows, seeds ``seed + 10``, ``seed + 11``, ...)."""
    for i, (text, layers, hint) in enumerate(layer_lists(seed=seed)):
        model = ex.call(cls, layers)
        require_module(ex, model, f"SequentialModel({text})")
        no_sequential_inside(ex, model, f"SequentialModel({text})")
        ex.compare(model, nn.Sequential(*layers), randn(4, 6, seed=seed + 10 + i), grad=True,
                   what=f"forward and input gradient with {text}", hint=hint)


def check_sequential_parameters(ex, cls, *, seed: int = 300):
    """For each of ``layer_lists(seed)``, ``cls(layers)`` yields the given layers' parameters
    (the same objects), in order, each once, as ``nn.Sequential(*layers)`` does."""
    for text, layers, _ in layer_lists(seed=seed):
        model = ex.call(cls, layers)
        assert_parameters(ex, model, nn.Sequential(*layers).named_parameters(), f"SequentialModel({text})",
                          missing_hint=UNREGISTERED_HINT, extra_hint=COPIES_HINT)


def check_sequential_instances(ex, cls, *, seed: int = 310):
    """Two instances on two lists of layers each report their own layers' parameters; the first's
    state_dict holds nn.Sequential's tensors in order, and loading it into the second copies them."""
    layers_a, layers_b = mlp_layers(6, 5, 3, seed=seed), mlp_layers(6, 5, 3, seed=seed + 10)
    a, b = ex.call(cls, layers_a), ex.call(cls, layers_b)
    for model, layers, which in ((a, layers_a, "first"), (b, layers_b, "second")):
        assert_parameters(ex, model, nn.Sequential(*layers).named_parameters(),
                          f"the {which} of two SequentialModel instances", hint=SEPARATE_LAYERS_HINT)
    state, reference_state = a.state_dict(), nn.Sequential(*layers_a).state_dict()
    if not (len(state) == len(reference_state)
            and all(torch.equal(s, r) for s, r in zip(state.values(), reference_state.values()))):
        ex.fail("SequentialModel([Linear(6, 5), ReLU(), Linear(5, 3)])",
                f"state_dict() holds {len(state)} tensors, expected the {len(reference_state)} of nn.Sequential, "
                "in the same order", hint=UNREGISTERED_HINT)
    b.load_state_dict(state)
    for i in (0, 2):
        for name in ("weight", "bias"):
            ex.assert_close(getattr(layers_b[i], name), getattr(layers_a[i], name),
                            f"layer {i}'s {name} of a second instance after b.load_state_dict(a.state_dict())")


def check_sequential_to_eval(ex, cls, *, seed: int = 400, devices=DEVICES):
    """On [Linear, BatchNorm1d, ReLU, Dropout, Linear], ``eval()`` / ``train()`` reach every given
    layer, ``.to(torch.float64)`` returns the model and converts every layer's parameters and
    buffers, and ``.to(device)`` moves them, for each of ``devices`` in turn."""
    layers = [linear(6, 5, seed=seed), nn.BatchNorm1d(5), nn.ReLU(), nn.Dropout(0.5), linear(5, 3, seed=seed + 2)]
    what = "SequentialModel([Linear(6, 5), BatchNorm1d(5), ReLU(), Dropout(0.5), Linear(5, 3)])"
    model = ex.call(cls, layers)
    named = [(f"layer {i} ({type(layer).__name__})", layer) for i, layer in enumerate(layers)]
    assert_eval_reaches(ex, model, named, what)
    assert_returns_itself(ex, model, what)
    assert_moved(ex, model, layer_tensors(layers), what, dtype=torch.float64)
    for device in devices:
        model.to(device)
        assert_moved(ex, model, layer_tensors(layers), what, device=device)
