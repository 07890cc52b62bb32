# pytest puts this folder on sys.path, so the tests import usreview_training from here.
