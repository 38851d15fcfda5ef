"""The 03_modules checks (``C.modules.check_*``): each passes code that behaves like PyTorch's
and fails one specific wrong answer with the hint for that mistake.

The correct classes below are small test doubles written for these tests (the checks package
itself holds no solution); each wrong one changes a single thing.
"""

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import workbook.checks as C
from workbook.checks import modules as M

CPU = [torch.device("cpu")]


def passes(exercise: str, check, *args, **kwargs):
    with C.exercise(exercise, namespace={}) as ex:
        check(ex, *args, **kwargs)


def failure(exercise: str, check, *args, **kwargs):
    """The structured failure (``workbook.course.failures.Failure``) that ``check`` raises."""
    with pytest.raises(C.CheckFailure) as raised:
        with C.exercise(exercise, namespace={}) as ex:
            check(ex, *args, **kwargs)
    assert raised.value.failure.exercise == exercise
    return raised.value.failure


# -- MLP -----------------------------------------------------------------------------------
class GoodMLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))


class MLPWithoutReLU(GoodMLP):
    def forward(self, x):
        return self.l2(self.l1(x))


class MLPWithFunctionalReLU(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


class MLPWithOwnEval(GoodMLP):
    def eval(self):
        self.training = False  # does not reach the children
        return self


def test_mlp_forward_passes_a_correct_mlp_and_fails_one_without_relu():
    passes("MLP", M.check_mlp_forward, GoodMLP, 5, 3, 7, batch=4, seed=1)
    found = failure("MLP", M.check_mlp_forward, MLPWithoutReLU, 5, 3, 7, batch=4, seed=1)
    assert found.what == "forward and input gradient of MLP(5, 3, 7) on a batch of 4"
    assert found.hint == M.MLP_FORWARD_HINT


def test_mlp_parameters_wants_the_relu_as_a_child():
    passes("MLP", M.check_mlp_parameters, GoodMLP, seed=5)
    found = failure("MLP", M.check_mlp_parameters, MLPWithFunctionalReLU, seed=5)
    assert "the children are {'l1': 'Linear', 'l2': 'Linear'}" in found.problem
    assert found.hint == M.MLP_RELU_CHILD_HINT


def test_mlp_to_eval_wants_eval_to_reach_every_layer():
    passes("MLP", M.check_mlp_to_eval, GoodMLP, seed=7, devices=CPU)
    found = failure("MLP", M.check_mlp_to_eval, MLPWithOwnEval, seed=7, devices=CPU)
    assert "after model.eval(), l1, relu, l2 still in training mode" in found.problem
    assert "eval() only reaches registered submodules" in found.hint


# -- MyModule ------------------------------------------------------------------------------
class GoodModule:
    """A registry like nn.Module's: own parameters, then children, each parameter once."""

    def __init__(self):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_children", {})

    def _registry_for(self, name, value):
        if name.startswith("_"):
            return None
        if isinstance(value, nn.Parameter):
            return "_params"
        if isinstance(value, (nn.Module, GoodModule)):
            return "_children"
        return None

    def __setattr__(self, name, value):
        kind = self._registry_for(name, value)
        for registry in ("_params", "_children"):
            if registry != kind:
                getattr(self, registry).pop(name, None)
        if kind:
            getattr(self, kind)[name] = value
        super().__setattr__(name, value)

    def named_children(self):
        return list(self._children.items())

    def _all_parameters(self):
        return [*self._params.values(), *(p for child in self._children.values() for p in child.parameters())]

    def parameters(self):
        seen = set()
        for p in self._all_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                yield p

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return "\n".join([f"{type(self).__name__}("] + [f"  ({n}): {c!r}" for n, c in self._children.items()] + [")"])


class ChildrenFirst(GoodModule):
    def _all_parameters(self):
        return [*(p for child in self._children.values() for p in child.parameters()), *self._params.values()]


class NoOwnParameters(GoodModule):
    def _registry_for(self, name, value):
        return None if isinstance(value, nn.Parameter) else super()._registry_for(name, value)


class OnlyTorchModules(GoodModule):
    def _registry_for(self, name, value):
        if isinstance(value, GoodModule):
            return None
        return super()._registry_for(name, value)


class RegistersPrivate(GoodModule):
    def _registry_for(self, name, value):
        return super()._registry_for(name.lstrip("_"), value)


class NoDedupe(GoodModule):
    def parameters(self):
        return iter(self._all_parameters())


class KindChangeKept(GoodModule):
    def __setattr__(self, name, value):
        kind = self._registry_for(name, value)
        if kind:
            getattr(self, kind)[name] = value
        object.__setattr__(self, name, value)


class ListRegistry(GoodModule):
    """Appends (name, value) pairs: assigning a name again adds a second entry."""

    def __init__(self):
        object.__setattr__(self, "_entries", [])

    def __setattr__(self, name, value):
        if self._registry_for(name, value):
            self._entries.append((name, value))
        object.__setattr__(self, name, value)

    @property
    def _params(self):
        return {n: v for n, v in self._entries if isinstance(v, nn.Parameter)}

    @property
    def _children(self):
        return {n: v for n, v in self._entries if not isinstance(v, nn.Parameter)}

    def named_children(self):
        return [(n, v) for n, v in self._entries if not isinstance(v, nn.Parameter)]

    def _all_parameters(self):
        own = [v for _, v in self._entries if isinstance(v, nn.Parameter)]
        return own + [p for _, v in self.named_children() for p in v.parameters()]


def class_level_registry():
    """A fresh MyModule whose registries live in the class body, shared by every instance."""

    class ClassRegistry(GoodModule):
        _params, _children = {}, {}

        def __init__(self):
            pass

    return ClassRegistry


class SingleArgCall(GoodModule):
    def __call__(self, x):
        return self.forward(x)


class DefaultRepr(GoodModule):
    __repr__ = object.__repr__


class DerivesModule(nn.Module):
    pass


def test_plain_base_refuses_an_nn_module():
    passes("MyModule", M.check_plain_base, GoodModule)
    found = failure("MyModule", M.check_plain_base, DerivesModule)
    assert "derives from nn.Module" in found.problem


@pytest.mark.parametrize("kind, seed", [("TwoLayer", 0), ("Scaled", 10), ("Nested", 20)])
def test_registry_passes_a_correct_module(kind, seed):
    passes("MyModule", M.check_registry, GoodModule, kind, seed=seed)


@pytest.mark.parametrize("wrong, kind, hint", [
    (ChildrenFirst, "Scaled", "own parameters come first, then each child's"),
    (NoOwnParameters, "Scaled", M.REGISTRY_MISSING_HINTS["Scaled"]),
    (OnlyTorchModules, "Nested", M.REGISTRY_MISSING_HINTS["Nested"]),
])
def test_registry_names_the_mistake(wrong, kind, hint):
    found = failure("MyModule", M.check_registry, wrong, kind, seed=10)
    assert found.what.startswith(kind)
    assert hint in found.hint


def test_filtering_registers_only_public_modules_and_parameters():
    passes("MyModule", M.check_filtering, GoodModule, seed=30)
    found = failure("MyModule", M.check_filtering, RegistersPrivate, seed=30)
    assert "named_children() gave [('lin', Linear), ('_private', Linear)]" in found.problem
    assert found.hint == M.ONLY_MODULES_HINT


@pytest.mark.parametrize("kind, seed", [("Shared", 40), ("Tied", 50)])
def test_shared_layer_wants_each_parameter_once(kind, seed):
    passes("MyModule", M.check_shared_layer, GoodModule, kind, seed=seed)
    found = failure("MyModule", M.check_shared_layer, NoDedupe, kind, seed=seed)
    assert "more than once" in found.problem
    assert "yield each parameter once" in found.hint


def test_shared_training_updates_a_shared_weight_once_per_step():
    passes("MyModule", M.check_shared_training, GoodModule, seed=60)
    found = failure("MyModule", M.check_shared_training, NoDedupe, seed=60)
    assert found.hint == M.ONCE_HINT


@pytest.mark.parametrize("check, seed", [(M.check_replaced_entry, 70), (M.check_replaced_parameter, 80)])
def test_assigning_a_registered_name_replaces_its_entry(check, seed):
    passes("MyModule", check, GoodModule, seed=seed)
    found = failure("MyModule", check, ListRegistry, seed=seed)
    assert "old " in found.problem
    assert found.hint == M.REPLACES_HINT


def test_separate_instances_keep_separate_registries():
    passes("MyModule", M.check_separate_instances, GoodModule, seed=90)
    found = failure("MyModule", M.check_separate_instances, class_level_registry(), seed=90)
    assert found.what.startswith("the first of two TwoLayer")
    assert found.hint == M.SEPARATE_REGISTRY_HINT


def test_kind_change_takes_a_name_out_of_its_old_registry():
    passes("MyModule", M.check_kind_change, GoodModule, seed=120)
    found = failure("MyModule", M.check_kind_change, KindChangeKept, seed=120)
    assert "then net.l2 = a Parameter" in found.what
    assert found.hint == M.KIND_CHANGE_HINT


def test_call_passes_every_argument_on_to_forward():
    passes("MyModule", M.check_call, GoodModule, seed=100)
    found = failure("MyModule", M.check_call, SingleArgCall, seed=100)
    assert "raised TypeError" in found.problem
    assert found.hint == M.PASS_ON_HINT


@pytest.mark.parametrize("kind", ["TwoLayer", "Scaled"])
def test_repr_lists_the_children(kind):
    passes("MyModule", M.check_repr, GoodModule, kind, seed=110)
    found = failure("MyModule", M.check_repr, DefaultRepr, kind, seed=110)
    assert "build the string from your registry of children" in found.hint


# -- SequentialModel -----------------------------------------------------------------------
class GoodSequential(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class LoopsChildren(GoodSequential):
    def forward(self, x):
        for layer in self.layers.children():  # skips a layer listed twice
            x = layer(x)
        return x


class WrapsSequential(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class PlainList(GoodSequential):
    def __init__(self, layers):
        nn.Module.__init__(self)
        self.layers = list(layers)


class CopiesLayers(GoodSequential):
    def __init__(self, layers):
        super().__init__(copy.deepcopy(layers))


def shared_module_list():
    """A fresh SequentialModel whose every instance registers one ModuleList from the class body."""

    class SharedList(GoodSequential):
        shared = nn.ModuleList()

        def __init__(self, layers):
            nn.Module.__init__(self)
            self.shared.extend(layers)
            self.layers = self.shared

    return SharedList


def test_sequential_forward_applies_a_repeated_layer_twice():
    passes("SequentialModel", M.check_sequential_forward, GoodSequential, seed=200)
    found = failure("SequentialModel", M.check_sequential_forward, LoopsChildren, seed=200)
    assert "used twice" in found.what
    assert "a layer that appears twice in the list is applied twice" in found.hint


def test_sequential_forward_refuses_nn_sequential_inside():
    found = failure("SequentialModel", M.check_sequential_forward, WrapsSequential, seed=200)
    assert "uses nn.Sequential" in found.problem
    assert "nn.ModuleList" in found.hint


@pytest.mark.parametrize("wrong, hint", [(PlainList, M.UNREGISTERED_HINT), (CopiesLayers, M.COPIES_HINT)])
def test_sequential_parameters_are_the_given_layers(wrong, hint):
    passes("SequentialModel", M.check_sequential_parameters, GoodSequential, seed=300)
    found = failure("SequentialModel", M.check_sequential_parameters, wrong, seed=300)
    assert found.hint == hint


def test_sequential_instances_hold_their_own_layers():
    passes("SequentialModel", M.check_sequential_instances, GoodSequential, seed=310)
    found = failure("SequentialModel", M.check_sequential_instances, shared_module_list(), seed=310)
    assert found.what == "the first of two SequentialModel instances"
    assert found.hint == M.SEPARATE_LAYERS_HINT


def test_sequential_to_eval_reaches_registered_layers_only():
    passes("SequentialModel", M.check_sequential_to_eval, GoodSequential, seed=400, devices=CPU)
    found = failure("SequentialModel", M.check_sequential_to_eval, PlainList, seed=400, devices=CPU)
    assert "still in training mode" in found.problem
    assert "eval() only reaches registered submodules" in found.hint


def test_no_check_holds_a_solution():
    """The module ships to students: it may define no exercise's class nor a registry's methods."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(M))
    defined = {node.name for node in ast.walk(tree) if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    assert not defined & {"MLP", "MyModule", "SequentialModel", "__setattr__", "named_children", "parameters"}
