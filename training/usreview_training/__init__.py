"""The seed method's training recipe (Athreya et al., JMIR Biomed Eng 2024).

A CycleGAN between a portable device's images (LOW) and a high-end device's
(HIGH), whose generators are also pulled towards the paired reference by an L1
term and an LPIPS perceptual term. `train.py` runs it; `export.py` writes the
low→high generator as the safetensors file the Swift app loads.
"""
