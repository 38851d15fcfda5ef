# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: this exercise is what torch.optim does
# why: subclasses torch.optim.SGD instead of writing the optimizer
class SGD(torch.optim.SGD):
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
