"""Pretrained weights prepared offline: ImageNet VGG-16 for the perceptual loss.

Run `python -m keras_landmarks.pretrained.vgg_weights` once to prepare them.
"""
