// HOST ONLY. Entry point of the `mujo` command line; the commands live in MuJoTools.
import MuJoTools

MujoCommand.main()
