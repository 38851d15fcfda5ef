# exercise: MyModule
# verdict: wrong
# fails: test_MyModule_registry test_MyModule_filtering test_MyModule_shared test_MyModule_instances test_MyModule_call_repr
# hint: build the registry yourself on a plain class
# hint-class: none
# why: derives from nn.Module, which does all the registering instead of the student's code
class MyModule(nn.Module):
    pass
